// placeholder: implemented by the history module
