#!/bin/sh
# /usr/bin/ovexplorer: the app bundle lives in /opt/ovexplorer.
exec /opt/ovexplorer/ovexplorer "$@"
