#!/usr/bin/env python3
"""Checks a LIO saveconfig JSON against rtslib-fb's own classes, as RTSRoot.restore() reads it:
each storage object's keys bind to its class's constructor (restore() calls it with them), each
ACL key is a NodeACL property (restore() sets it). Its restore() needs configfs, so nothing is
loaded. Exit 0 good, 1 a key rtslib would refuse, 77 rtslib-fb is not installed.
Usage: lio_rtslib_keys.py FILE"""
import inspect, json, sys
try:
    from rtslib_fb.root import so_mapping
    from rtslib_fb.target import NodeACL
except ImportError:
    sys.exit(77)
c = json.load(open(sys.argv[1]))
for so in c.get("storage_objects", []):
    kw = {k: v for k, v in so.items()
          if k not in ("exists", "attributes", "plugin", "buffered_mode", "alua_tpgs")}
    inspect.signature(so_mapping[so["plugin"]].__init__).bind(None, **kw)
for t in c.get("targets", []):
    for tpg in t["tpgs"]:
        for acl in tpg.get("node_acls", []):
            for k in acl:
                if k not in ("attributes", "mapped_luns", "node_wwn"):
                    assert isinstance(getattr(NodeACL, k), property), k
