"""The local AWS world: an emulation of every AWS API montui reads, on 127.0.0.1.

Used by `montui --demo`, `montui demo serve` and the tests. Never imported by `ui` or
`sources`: the app reaches it only over the network, through the endpoint override, exactly
as it reaches AWS.
"""
