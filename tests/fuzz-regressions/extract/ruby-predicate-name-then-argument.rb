def f
  Flipper.enabled?check("fl_new_checkout")
end
