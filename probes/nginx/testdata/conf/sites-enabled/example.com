server {
    listen 80;
    listen [::]:80;
    server_name example.com www.example.com;
    error_log /var/log/nginx/example.error.log info;
    access_log logs/example.access.log;

    proxy_set_header Host $host;
    proxy_set_header X-Real-IP $remote_addr;
    proxy_read_timeout 60s;

    location / {
        proxy_pass http://app;
    }

    location /api/ {
        proxy_pass http://127.0.0.1:3000/v1/;
        proxy_set_header Connection "";
        proxy_read_timeout 5s;
        error_log /var/log/nginx/api.error.log debug;

        location /api/slow/ {
            proxy_pass http://localhost:3001;
        }
    }

    location /sock/ {
        proxy_pass http://unix:/run/gunicorn.sock:/;
    }

    location /secure/ {
        proxy_pass https://secure.internal;
        proxy_ssl_server_name on;
    }

    location /dyn/ {
        set $backend "dyn.internal";
        proxy_pass http://$backend:8080;
    }

    location ~ \.php$ {
        include snippets/fastcgi-php.conf;
        fastcgi_pass php;
    }

    location = /status {
        if ($request_method = POST) {
            proxy_pass http://127.0.0.1:3000;
        }
        return 200;
    }

    location @fallback {
        proxy_pass http://APP;
    }

    location /grpc {
        grpc_pass grpcs://127.0.0.1:50051;
    }
}
