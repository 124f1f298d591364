    heredoc = <<~TEXT
      ld_client.variation("in_heredoc", context, false)
    TEXT
