"""Helper modules of examples/sample_workspace.py: the sample organisation's people, files, history and tickets."""
