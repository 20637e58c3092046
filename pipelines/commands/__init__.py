"""The `turnout` commands, a module per seam; ``pipelines.cli`` registers them in order."""
