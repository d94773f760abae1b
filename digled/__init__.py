"""digled: the competence programme in digital leadership (Albertslund and Glostrup).

All domain logic lives in this package; the Streamlit pages only read input, call it and
render. Nothing here imports streamlit except digled/ui/.
"""

__version__ = "0.1.0"
