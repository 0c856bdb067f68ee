"""Result records rendered for people: console tables, Markdown, HTML, CSV and charts."""
