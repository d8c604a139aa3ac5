"""The public website: case pages, listings, the column's story.

An output stage: it may import `hotline.model`, `hotline.build.output` and
the shared helpers; never `hotline.load` or `hotline.privacy`.
"""
