"""The help-centre knowledge base: Markdown articles per language, by keyword + meaning."""
