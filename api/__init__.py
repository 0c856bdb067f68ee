"""The faces of Handoff over one core: the CLI (`cli/`), the HTTP API and web page (`http/`), and the
renderers both share (`render/`: console tables, Markdown, HTML, CSV, charts). Only this layer sees all."""
