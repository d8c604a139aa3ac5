"""Reading case files: raw records in, the public model out.

The one stage that sees raw records (`validate.Record`, private). It may
import `hotline.model`, `hotline.privacy`, the shared helpers at the top of
the package (problems, settings, slugs, fingerprint) and `build.parallel`;
never an output stage (site, stats, feeds). It exports `load_cases`.
"""
