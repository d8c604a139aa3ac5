"""Running a build: the Pelican generator, guarded writing, atomic publishing.

It may import every stage: it calls `hotline.load` for the cases, hands the
public model to the output stages, and guards every byte with the values of
`hotline.privacy`. No other stage imports `build.generator`.
"""
