"""MI practice scenarios: the conversation graph and its rules, the node blocks and the
lesson block, the Scenario snippet, JSON exchange (validation and import/export) and the
admin viewset. The model is registered in the `modules` app through `modules.models`.
"""
