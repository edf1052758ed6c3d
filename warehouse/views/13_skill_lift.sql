-- The role family a title belongs to (first match wins; 'other' when none does).
CREATE OR REPLACE MACRO role_family(title) AS CASE
    WHEN regexp_matches(lower(title), '\b(security|appsec|infosec|penetration|soc analyst)\b') THEN 'security'
    WHEN regexp_matches(lower(title), '\b(machine learning|ml|ai|llm|deep learning|nlp|computer vision|applied scientist|research (scientist|engineer))\b') THEN 'machine learning'
    WHEN regexp_matches(lower(title), '\b(data|analytics|analyst|business intelligence|bi)\b') THEN 'data'
    WHEN regexp_matches(lower(title), '\b(devops|sre|site reliability|infrastructure|platform|cloud|systems engineer)\b') THEN 'infrastructure'
    WHEN regexp_matches(lower(title), '\b(ios|android|mobile)\b') THEN 'mobile'
    WHEN regexp_matches(lower(title), '\b(front[- ]?end|ui engineer|web developer)\b') THEN 'frontend'
    WHEN regexp_matches(lower(title), '\b(full[- ]?stack)\b') THEN 'full stack'
    WHEN regexp_matches(lower(title), '\b(back[- ]?end|api|server|distributed)\b') THEN 'backend'
    WHEN regexp_matches(lower(title), '\b(design|designer|ux|ui)\b') THEN 'design'
    WHEN regexp_matches(lower(title), '\b(product manager|product owner|product lead|head of product)\b') THEN 'product'
    WHEN regexp_matches(lower(title), '\b(sales|account executive|account manager|business development|sdr|bdr)\b') THEN 'sales'
    WHEN regexp_matches(lower(title), '\b(marketing|growth|content|seo|brand)\b') THEN 'marketing'
    WHEN regexp_matches(lower(title), '\b(support|customer success|customer)\b') THEN 'customer'
    WHEN regexp_matches(lower(title), '\b(engineer|engineering|developer|programmer|software)\b') THEN 'software engineering'
    WHEN regexp_matches(lower(title), '\b(recruit\w*|talent|people|hr|finance|accounting|accountant|legal|counsel|operations)\b') THEN 'business operations'
    ELSE 'other' END;

-- How much more (lift > 1) or less a segment asks for a skill than the whole market does, over all dated postings.
-- segment_kind 'role': role_family(title); 'remote': remote | hybrid | onsite | unknown; 'country': ISO code | unknown.
CREATE OR REPLACE VIEW skill_lift AS
WITH segmented AS (
    SELECT company, content_hash, 'role' AS segment_kind, role_family(title) AS segment FROM skill_postings
    UNION ALL
    SELECT company, content_hash, 'remote', coalesce(remote, 'unknown') FROM skill_postings
    UNION ALL
    SELECT company, content_hash, 'country', coalesce(country, 'unknown') FROM skill_postings
),
segment_totals AS (SELECT segment_kind, segment, count(*) AS total FROM segmented GROUP BY ALL),
segment_counts AS (
    SELECT g.segment_kind, g.segment, m.skill, count(*) AS postings
    FROM segmented g JOIN skill_mentions m USING (company, content_hash) GROUP BY ALL
),
overall AS (
    SELECT skill, count(*) / (SELECT count(*) FROM skill_postings) AS overall_share FROM skill_mentions GROUP BY skill
)
SELECT c.segment_kind, c.segment, c.skill, c.postings::INTEGER AS postings, c.postings / t.total AS share,
       o.overall_share, c.postings / t.total / o.overall_share AS lift, t.total::INTEGER AS segment_postings
FROM segment_counts c JOIN segment_totals t USING (segment_kind, segment) JOIN overall o USING (skill)
ORDER BY c.segment_kind, c.segment, lift DESC, c.postings DESC, c.skill;
