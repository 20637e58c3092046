-- Version 11: the models keep their fit. A refresh refits a model only when its training
-- data changed enough (pipelines/models/fits.py); otherwise the kept fit predicts again
-- from the new data, and the forecast says when it was fitted.
create table if not exists model_fits (
    model          varchar primary key,  -- forecast | follow_up
    fitted_at      timestamp not null,
    code_hash      varchar not null,     -- the models' code and SQL it was fitted with
    training_rows  bigint not null,      -- forecast: registrations of past events with
                                         -- attendance; follow-up: people in its two windows
    training_positives bigint not null,  -- those who came; those who acted
    training_events varchar[],           -- forecast: the past events it learnt from
    parameters     json not null,        -- what predicting again needs
    sample         double[]              -- forecast: the training lead times, sorted
);
