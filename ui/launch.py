"""Start Streamlit for ``trialsum ui`` with the pages declared in ``ui/app.py`` only.

Streamlit still honours its older "pages/ folder" layout: in a fresh server process it decides
from the folder's mere presence, so a first visitor who opens a page link (``/trial``) gets that
page alone, unstyled, under a menu of file names, until someone opens the home page. The pages
here are declared with ``st.navigation``, so the older layout is switched off before the server
starts. (Setting the flag is harmless if a later Streamlit drops it.)
"""

from __future__ import annotations


def main() -> None:
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web.cli import main as streamlit_main

    PagesManager.uses_pages_directory = False
    streamlit_main(prog_name="streamlit")


if __name__ == "__main__":
    main()
