"""Shared foundations: settings, workspace, facts store, people and errors. Imports no other part."""
