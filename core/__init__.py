"""Shared foundations that every layer builds on; imports no other part of Handoff.

    settings, workspace   every setting declared once; the folder that holds a workspace
    store, facts          the facts store (SQLite or PostgreSQL, forward migrations) and the snapshot
                          analyses read, with every author resolved to a person
    people, roster        who someone is, their kind and status; the roster as HR exports it
    records               what readers normalise tickets, ADRs and chunks to
    errors, keys          the one exception tree; API keys and roles
    checklists, progress, files, json, text, markup   small shared mechanisms
"""
