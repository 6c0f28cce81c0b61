DROP TABLE search_words;
DROP TABLE article_search;
