def check(client)
  client.variation_detail("ld_detail", co$ntext, 0)
end
