"""What a person typed, read once: parsing and repair, NEAR, field names, function
words, and the plan (search.query.plan) every later step reads."""
