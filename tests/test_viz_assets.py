"""Solara's front-end assets are installed, so the page works without internet.

Solara's server answers ``/_solara/cdn/<package>@<version>/...`` from its proxy cache directory
and fetches from a public CDN only what is missing there. The ``solara-assets`` package fills
that directory at install time. This test reads the URLs that Solara's page template and
SolaraViz's grid layout ask for, and checks each file is on disk, without a browser (the
end-to-end test in ``test_viz_browser.py`` checks the same thing in Chromium).
"""

from __future__ import annotations

import re
from pathlib import Path

import ipyvue
import ipywidgets
import solara.server.server
import solara.widgets
from solara.server import settings

TEMPLATE = Path(solara.server.server.__file__).parent / "templates" / "solara.html.j2"
GRID_LAYOUT = Path(solara.widgets.__file__).parent / "vue" / "gridlayout.vue"


def requested_assets() -> list[str]:
    """CDN paths the page asks for with this installation's Vue and ipywidgets versions."""
    vue3 = ipyvue.__version__.startswith("3")
    other_bundle = "solara-vuetify-app@" if vue3 else "solara-vuetify3-app@"
    major = ipywidgets.__version__.split(".")[0]
    paths = re.findall(r'\{\{cdn\}\}/([^"\s]+)', TEMPLATE.read_text())
    paths += re.findall(r"\$\{this\.getCdn\(\)\}/([^`\s]+)", GRID_LAYOUT.read_text())
    paths = [p.replace("{{ipywidget_major_version}}", major) for p in paths]
    if settings.assets.fontawesome_enabled:
        paths.append(settings.assets.fontawesome_path.lstrip("/"))
    return sorted({p for p in paths if other_bundle not in p})


def test_the_page_template_is_understood():
    paths = requested_assets()
    # the main bundle (a script and a style sheet), require.js and the grid layout at least
    assert any(p.endswith(".js") and "vuetify" in p for p in paths), paths
    assert any(p.endswith(".css") and "vuetify" in p for p in paths), paths
    assert any(p.startswith("requirejs@") for p in paths), paths
    assert any("vue-grid-layout@" in p for p in paths), paths
    assert all("{{" not in p for p in paths), paths


def test_every_asset_the_page_requests_is_installed():
    cache = Path(settings.assets.proxy_cache_dir)
    missing = [p for p in requested_assets() if not (cache / p).is_file()]
    assert not missing, (
        f"Solara would fetch these from the internet (missing under {cache}): {missing}; "
        "reinstall `solara-assets` matching this solara version"
    )
