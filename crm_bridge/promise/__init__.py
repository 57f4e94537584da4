"""When can we deliver: available/capable to promise over stock, dated moves and shipping capacity."""
