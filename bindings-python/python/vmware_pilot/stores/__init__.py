"""Where workflows are kept. Every store keeps upstream's rows (``id, type, state, data,
created_at, updated_at``) and shares one discipline (``rows.RowStore``): a save replaces only
the row its copy was read from, a new workflow never replaces a stored one, a failed save
changes nothing, and secrets stay in this process."""
