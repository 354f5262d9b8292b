"""Where things live and how they are set: the config file, durations, WORKON_HOME."""
