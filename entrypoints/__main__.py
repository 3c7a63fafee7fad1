from privatelink.cli import main

main()
