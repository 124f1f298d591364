def check(client, c)
  client.variation_detail("ld_detail", c	ontext, 0)
end
