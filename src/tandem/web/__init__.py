"""HTTP: the app factory, thin routes, schemas and mappers, templates and static files."""
