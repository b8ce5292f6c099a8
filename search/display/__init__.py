"""Text shared by the one-shot command and the terminal app: control characters shown
as visible marks, styles, fragments around the matches. No engine, no backend."""
