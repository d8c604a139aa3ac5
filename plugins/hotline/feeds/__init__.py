"""Machine-read outputs: Atom, LED screens, open data, sitemap, search index.

An output stage: it may import `hotline.model`, `hotline.site`, `hotline.stats`,
`hotline.build.output` and the shared helpers; never `hotline.load` or `hotline.privacy`.
"""
