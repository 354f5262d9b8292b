"""Shell code: one quote() per shell family and the calls the shell functions evaluate."""
