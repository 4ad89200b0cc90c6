"""Sending one email over SMTP (the standard library's smtplib and email.message).

The outbox job (services/outbox.py) is the only caller. It runs on the scheduler's thread, so a
blocking client is what it needs: no extra dependency, no event loop. Errors are raised as
:class:`MailError` with a short kind (never the server's text: it may quote the address).
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

from tandem.config import Settings


class MailError(Exception):
    """Sending failed; ``kind`` names what failed (kept with the outbox row, and logged)."""

    def __init__(self, kind: str, permanent: bool = False) -> None:
        super().__init__(kind)
        self.kind = kind
        self.permanent = permanent  # the server refused the message itself: do not retry


def send(settings: Settings, message: EmailMessage) -> None:
    """Deliver `message` to the configured mail server (STARTTLS, TLS or plain, with an optional
    login); raises MailError."""
    host, port, timeout = settings.smtp_host, settings.smtp_port, settings.smtp_timeout_seconds
    context = ssl.create_default_context()
    try:
        client: smtplib.SMTP
        if settings.smtp_security == "tls":
            client = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
        else:
            client = smtplib.SMTP(host, port, timeout=timeout)
        with client:
            if settings.smtp_security == "starttls":
                client.starttls(context=context)
            if settings.smtp_username:
                password = settings.smtp_password
                client.login(
                    settings.smtp_username, password.get_secret_value() if password else ""
                )
            client.send_message(message)
    except smtplib.SMTPRecipientsRefused as error:
        raise MailError("recipient_refused", permanent=True) from error
    except smtplib.SMTPAuthenticationError as error:
        raise MailError("login_refused") from error
    except smtplib.SMTPResponseException as error:
        raise MailError(
            f"smtp_{error.smtp_code}", permanent=500 <= error.smtp_code < 600
        ) from error
    except smtplib.SMTPException as error:
        raise MailError(type(error).__name__) from error
    except (OSError, ssl.SSLError) as error:
        raise MailError(type(error).__name__) from error
