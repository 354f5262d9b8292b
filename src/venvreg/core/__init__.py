"""Operations, one module each; they return data and never print."""
