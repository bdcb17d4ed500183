"""Industrial clusters (产业集群): tier, cities, parks, revenue by year against targets."""
