from fastapi.testclient import TestClient

from tandem.services.runtime import Runtime


def test_that_every_help_article_the_assistant_can_link_to_is_served(
    client: TestClient, runtime: Runtime
) -> None:
    for language in ("nl", "en"):
        articles = runtime.knowledge.articles(language)
        assert articles
        for article in articles:
            page = client.get(article.url)
            assert page.status_code == 200
            assert article.title in page.text


def test_that_an_unknown_help_article_is_a_404(client: TestClient) -> None:
    assert client.get("/help/en/no-such-article").status_code == 404
    assert client.get("/help/xx/returns").status_code == 404  # a language Tandem does not speak
