"""`hotline deploy`: the published output, uploaded over SSH with rsync into a
new release folder on the web server and switched in with one symlink swap."""
