"""Statistics, charts and bulletins (简报), with small counts withheld.

An output stage: it may import `hotline.model`, `hotline.site`, `hotline.build.output`
and the shared helpers; never `hotline.load` or `hotline.privacy`.
"""
