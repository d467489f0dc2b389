"""The browser page's parts: controls from the parameter table, the office floor, the learning
network and the plots. ``app.py`` at the top level assembles them into a SolaraViz page.
"""
