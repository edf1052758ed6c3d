"""One module per ATS, each defining its spider (see ``base``); ``scrapers.registry`` lists them."""
