-- Issue 13: a target on the children of an area ({places: {childrenOf: ..., type: ...}}) is listed before the
-- feeds have stored any child: one row at the parent area with the unresolved place here ("children of
-- E12000005 of type UA"); it is not evaluated, and the first child found takes its id over (null again).
ALTER TABLE target ADD COLUMN places_pending text;
