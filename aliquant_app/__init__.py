"""aliquant_app: the Streamlit explorer's UI helpers (sidebar state, cached core calls, charts).

Not the core: nothing here computes the model. Pages read the sidebar's
:class:`~aliquant_app.state.Assumptions`, call the core through :mod:`aliquant_app.cache`, and
draw with :mod:`aliquant_app.charts`.
"""
