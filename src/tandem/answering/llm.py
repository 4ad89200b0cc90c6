"""The optional LLM: warmer wording, handoff summaries and reply drafts, never decisions.

Any OpenAI-compatible chat-completions endpoint will do. The LLM only writes text: it never
chooses or performs an action, and everything it writes passes the grounding check
(:mod:`tandem.answering.grounding`) before use. Every failure (timeout, connection error,
non-200, malformed answer, ungrounded text) returns None with a log line, and the caller keeps
its template or extractive text. Without an LLM configured, :class:`NoLlm` returns None always,
so callers write ``writer.rephrase(...) or template_text`` either way.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from typing import Protocol

import httpx

from tandem.answering.grounding import ungrounded, vocabulary
from tandem.types import Language

log = logging.getLogger(__name__)

#: (author, text) per message, oldest first; author is "customer", "ai", "agent" or "system".
Transcript = Sequence[tuple[str, str]]
ChatMessage = dict[str, str]

_MAX_RESPONSE_BYTES = 256_000
_NEVER = (
    "Use only the facts given. Never add or change a number, order id, tracking code, date, "
    "amount, email address or link. Never promise, decide or perform an action. Plain text, "
    "no markdown."
)
_REPHRASE = (
    "You are a customer-service assistant. Rewrite the answer below warmly and concisely in "
    "the language with ISO code '{language}', keeping its meaning exactly. " + _NEVER
)
_SUMMARISE = (
    "Summarise this customer-service conversation for the human agent taking over, in one or "
    "two sentences in the language with ISO code '{language}': what the customer wants and "
    "what happened so far. " + _NEVER
)
_DRAFT = (
    "Draft the next reply of a human customer-service agent to the customer, in the language "
    "with ISO code '{language}'. The agent will check and edit it before sending. " + _NEVER
)


class Writer(Protocol):
    """What the product asks of a language model; every method may return None."""

    def rephrase(self, language: Language, grounded_text: str, facts: list[str]) -> str | None:
        """A warmer wording of a grounded template answer."""
        ...

    def summarise(self, language: Language, transcript: Transcript) -> str | None:
        """A short summary of the conversation for the handoff card."""
        ...

    def draft_reply(
        self, language: Language, transcript: Transcript, facts: list[str]
    ) -> str | None:
        """A reply for an agent to approve or edit."""
        ...


class NoLlm:
    """No LLM configured: templates and extractive summaries stand."""

    def rephrase(self, language: Language, grounded_text: str, facts: list[str]) -> str | None:
        return None

    def summarise(self, language: Language, transcript: Transcript) -> str | None:
        return None

    def draft_reply(
        self, language: Language, transcript: Transcript, facts: list[str]
    ) -> str | None:
        return None


class LlmClient:
    """An OpenAI-compatible chat-completions endpoint, with every output checked for grounding.

    `timeout` bounds connecting and each read; reading the whole answer is also cut off once
    `timeout` seconds have passed since the request started.
    """

    def __init__(self, base_url: str, model: str, api_key: str, timeout: float = 4.0) -> None:
        self._url = base_url.rstrip("/") + "/chat/completions"
        self._model = model
        self._timeout = timeout
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._http = httpx.Client(timeout=timeout, headers=headers)

    def close(self) -> None:
        self._http.close()

    def rephrase(self, language: Language, grounded_text: str, facts: list[str]) -> str | None:
        user = _with_facts(f"Answer:\n{grounded_text}", facts)
        return self._write("rephrase", language, _REPHRASE, user, [grounded_text, *facts])

    def summarise(self, language: Language, transcript: Transcript) -> str | None:
        texts = [text for _, text in transcript]
        return self._write("summarise", language, _SUMMARISE, _lines(transcript), texts)

    def draft_reply(
        self, language: Language, transcript: Transcript, facts: list[str]
    ) -> str | None:
        user = _with_facts(_lines(transcript), facts)
        texts = [text for _, text in transcript]
        return self._write("draft_reply", language, _DRAFT, user, [*texts, *facts])

    def _write(
        self, use: str, language: Language, system: str, user: str, sources: list[str]
    ) -> str | None:
        messages = [
            {"role": "system", "content": system.format(language=language)},
            {"role": "user", "content": user},
        ]
        started = time.monotonic()
        text = self._complete(use, messages)
        if text is None:
            return None
        missing = ungrounded(text, sources, vocabulary(language))
        if missing:
            log.warning("llm %s rejected: %d detail(s) not in its sources", use, len(missing))
            return None
        log.info("llm %s used (%.0f ms)", use, (time.monotonic() - started) * 1000)
        return text

    def _complete(self, use: str, messages: list[ChatMessage]) -> str | None:
        payload = {"model": self._model, "messages": messages, "temperature": 0.3}
        deadline = time.monotonic() + self._timeout
        try:
            with self._http.stream("POST", self._url, json=payload) as response:
                if response.status_code != 200:
                    log.warning("llm %s failed: HTTP %d", use, response.status_code)
                    return None
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if time.monotonic() > deadline or len(body) > _MAX_RESPONSE_BYTES:
                        log.warning("llm %s failed: answer too slow or too large", use)
                        return None
        except httpx.HTTPError as error:
            log.warning("llm %s failed: %s", use, type(error).__name__)
            return None
        content = _content(bytes(body))
        if content is None:
            log.warning("llm %s failed: malformed answer", use)
        return content


def writer(base_url: str, model: str, api_key: str, timeout: float = 4.0) -> Writer:
    """The configured LLM, or :class:`NoLlm` when no URL or model is set."""
    if base_url and model:
        return LlmClient(base_url, model, api_key, timeout)
    return NoLlm()


def _content(body: bytes) -> str | None:
    """The first choice's text of a chat-completions answer, or None."""
    try:
        content = json.loads(body)["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    if not isinstance(content, str) or not content.strip():
        return None
    return content.strip()


def _lines(transcript: Transcript) -> str:
    return "\n".join(f"{author}: {text}" for author, text in transcript)


def _with_facts(text: str, facts: list[str]) -> str:
    if not facts:
        return text
    return text + "\n\nFacts:\n" + "\n".join(f"- {fact}" for fact in facts)
