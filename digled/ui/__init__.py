"""The Streamlit layer: the only digled package that imports streamlit. It reads input, calls the
domain packages and renders (the session, the login, the menu, widgets, charts' panels, the
app's own HTTP routes and scripts); the pages in pages/ are thin over it."""
