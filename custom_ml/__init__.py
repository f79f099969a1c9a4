"""custom_ml: a scikit-learn classifier trained for one task, compared with its baseline and with an LLM.

    from custom_ml.data import breast_cancer, read_table
    from custom_ml.train import train
    from custom_ml.run import save_run
    from custom_ml.predict import predict_rows

    result = train(breast_cancer())        # CV on the training split, one held-out test
    folder = save_run(result)              # runs/classify/<timestamp>/: model, card, metrics, plots
    rows, meta, warning = predict_rows(folder, "new_rows.csv")

See README.md in this folder. Nothing heavy is imported here, so `tailor --help` stays instant.
"""
