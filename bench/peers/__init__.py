"""Helpers of bench/peers.py: the side-by-side benchmark of akhbar, Pelican and Hugo (issue #5).

`measure` runs one build and samples its process tree's memory, `convert` turns a corpus.py archive
into each generator's input, `generators` knows how to install, build, change and check each one.
The Pelican theme and the Hugo layouts live in `pelican/` and `hugo/` beside them.
"""
