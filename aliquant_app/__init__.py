"""aliquant_app: the Streamlit explorer's UI (sidebar, pages' views, cached calls into the core).

Not the core: nothing here computes the model; :mod:`aliquant_core` does, and
:data:`aliquant_core.QUANTITIES` declares every quantity the explorer shows.

Layers
------
Page scripts (``pages/*.py``)
    Read their widgets, lay the page out, call the cached wrappers and draw what the view
    modules build. Every ``st`` call of a page is in its script.
View modules (``aliquant_app/*_view.py``)
    Pure builders: figures, tables, CSV text and the share-link keys of their page's controls
    (``LINK_KEYS``, and ``LINK_LABELS`` for option controls), plus the cached wrappers only their
    own page uses. No ``st`` calls: a view draws nothing and reads no widget (it reaches Streamlit
    only through the caching decorators of :mod:`aliquant_app.calls`).
Cached calls (:mod:`aliquant_app.calls`)
    The bounded caching decorators, and every cached call into the core that more than one page
    uses. The rule: a cached wrapper lives in ``calls.py`` when several pages use it, beside its
    only user (in that page's view module) otherwise; every cache goes through the decorators.
Chart style (:mod:`aliquant_app.chart_style`) and page parts (:mod:`aliquant_app.page_parts`)
    Plotly colours, axes, target and bound lines, reference markers and the RLHF band, once; the
    small drawing helpers the pages share (a chart with its CSV button).
Shared UI
    :mod:`~aliquant_app.state` (the assumptions sidebar, generated from the table, and the share
    link's check), :mod:`~aliquant_app.scenario_io` (share link, scenario export and import),
    :mod:`~aliquant_app.linked` (page controls kept in the link), :mod:`~aliquant_app.widgets`,
    :mod:`~aliquant_app.serving`, :mod:`~aliquant_app.exports` (copy link, embed, each chart's
    PNG and the download-all bundle) with :mod:`~aliquant_app.bundle_pages` (each page's part of
    the bundle, declared once), :mod:`~aliquant_app.class_controls` (competitor classes),
    :mod:`~aliquant_app.csv_tables` (the one CSV writer),
    :mod:`~aliquant_app.answer` (the Overview's plain answer, in words) and
    :mod:`~aliquant_app.compare` (named scenarios and the pinned A of an A/B comparison).

The page registry
-----------------
:data:`aliquant_app.layout.PAGES` lists every page once: script, title, icon, url path and its
view's share-link keys. ``app.py`` (the entry file) imports it; the sidebar's link check reads
it. A new page is a script in ``pages/``, its view module, and one ``Page`` there.

Adding a quantity
-----------------
A new model quantity touches: its row in the table (``aliquant_core/quantities.py``, and a field
of :class:`aliquant_core.Assumptions` for a model quantity), its formula in
``aliquant_core/_math.py`` and ``aliquant_core/model.py``, and its draw in
``aliquant_core/simulate.py``. The sidebar, share links, command line, scenario files, the
Method page and the tests' strategies follow from the table.
"""
