"""What an environment folder says about itself, by stat and small reads only: its layout,
identity, boundary, owner and project file."""
