"""The HTTP API and web page: the FastAPI app, its shared state, auth, schemas and routes."""
