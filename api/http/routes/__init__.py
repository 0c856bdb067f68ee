"""One router per area; each route only parses the request, calls the core and renders the record."""
