"""Sources: git (history, blame, tree, remote mirrors), ADRs and ticket exports, each read into records."""
