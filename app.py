"""Launch the web UI on the default index (built from the bundled article on first run): ``python app.py``."""

from assistant.app.cli import main

if __name__ == "__main__":
    raise SystemExit(main(["serve"]))
