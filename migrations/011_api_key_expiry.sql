-- API keys may expire: an expired key authenticates no more, like a revoked one. The list an
-- admin reads pages newest first by (created_at, id).

alter table api_keys add column expires_at timestamptz;
create index api_keys_created_idx on api_keys (created_at desc, id desc);
