"""Operations, one module each; they return data and never write to stdout (a few notices and
warnings go to stderr)."""
